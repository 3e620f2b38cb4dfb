"""The rooms service's use cases, one module per aggregate: callers import the submodule."""
