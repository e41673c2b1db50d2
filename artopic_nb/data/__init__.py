"""Collections, images, metadata, the file index and the content-addressed cache: the layer
every other one reads, and which imports none of them."""
