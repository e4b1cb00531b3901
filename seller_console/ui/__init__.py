"""The desktop window: the only home of PySide6 and qasync.

It lays out and binds; it decides nothing.
"""
