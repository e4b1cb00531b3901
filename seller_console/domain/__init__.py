"""Pure rules: money, catalog, show plan, orders, commission, ledger. Standard library only."""
