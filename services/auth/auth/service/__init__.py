"""Auth use cases, one module per concern: sessions, users, audit, guests."""
