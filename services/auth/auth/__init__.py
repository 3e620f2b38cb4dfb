"""The auth service: staff users, guest access, signed tokens and the platform's audit trail."""
