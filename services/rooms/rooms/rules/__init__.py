"""The rooms service's pure rules, one module per aggregate: callers import the submodule."""
