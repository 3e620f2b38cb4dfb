"""The notifications service's use cases, one module per concern (inbox, alerts, push): callers
import the submodule."""
