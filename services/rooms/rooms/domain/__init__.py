"""The rules of the rooms service as plain functions, one module per concern."""
