"""The fnb service's pure rules, one module per aggregate: callers import the submodule."""
