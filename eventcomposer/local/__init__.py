"""The embedded local EventBridge: moto's server in-process, seeded with demo data."""
