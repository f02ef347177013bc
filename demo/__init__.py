"""Demo data and the benchmark: tools for trying the app out and measuring it, never imported by the product.

Only this package's own commands (`seed_demo`, `bench`) and the tests import it.
"""
