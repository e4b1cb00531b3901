"""Hostile input: every attack ends in a typed error or a correct import, in linear time."""
