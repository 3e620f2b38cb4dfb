"""PMS adapter: the anti-corruption layer between the platform and Oracle OPERA (OHIP)."""
