"""Public landing page, each role's home page, language switch."""
