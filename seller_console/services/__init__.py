"""Use cases with no Qt: import catalogs, prepare and keep show plans."""
