"""Local development stack: infrastructure, services and the nginx gateway as plain processes."""

from hotel_devstack.stack import Stack, StackError

__all__ = ["Stack", "StackError"]
