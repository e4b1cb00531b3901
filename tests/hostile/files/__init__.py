"""The hostile file corpus: catalogs, plans, settings and the CSV files the app writes."""
