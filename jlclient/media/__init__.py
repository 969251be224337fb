"""Media: document-camera capture, probing, thumbnails (OpenCV); the libvlc player adapter."""
