"""Chart definitions: declarative, reusable (templates, extension), versioned."""
