"""Notifications service: the real-time Socket.IO hub and the persistent inbox."""
