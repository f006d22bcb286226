"""The platform's AWS resources: their one definition and the bootstrap that creates them."""
