"""Auth rules as plain functions, one module per concern: users, sign_in, guests, audit."""
