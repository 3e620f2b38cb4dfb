"""The tasks service's pure rules, one module per aggregate: callers import the submodule."""
