"""The edges that touch files, cameras and the pose model: video, camera, sink, display, pose, models, tracks."""
