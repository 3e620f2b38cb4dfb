"""The rooms service: room inventory, housekeeping and front-office status, and their events."""
