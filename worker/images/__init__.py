"""Runner images: one folder per language (Dockerfile + wrapper) and their build script."""
