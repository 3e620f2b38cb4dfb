"""The food & beverage service: menu, combos, per-room carts, orders, cancellations and bills."""
