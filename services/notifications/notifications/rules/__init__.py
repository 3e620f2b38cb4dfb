"""The notifications service's pure rules, one module per concern (inbox, alerts, push):
callers import the submodule."""
