"""Identity: users, roles, tokens, and the governance around them."""
