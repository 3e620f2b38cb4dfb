"""The fnb service's use cases, one module per aggregate: callers import the submodule."""
