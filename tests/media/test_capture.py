"""Capture through the real OpenCV pipeline, with a video file standing in for the UVC camera."""
import cv2
import numpy as np
import pytest

from jlclient.media.capture import CaptureError, capture


@pytest.fixture
def camera_file(tmp_path):
    """A short clip whose frames are a grey page with a black bar, as a document camera sees."""
    path = tmp_path / "camera.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10, (320, 240))
    for _ in range(10):
        frame = np.full((240, 320, 3), 200, np.uint8)
        frame[100:140, 40:280] = 0
        writer.write(frame)
    writer.release()
    return path


def test_capture_gives_a_png_of_the_page(camera_file):
    frame = capture(str(camera_file))
    assert frame.png.startswith(b"\x89PNG") and (frame.width, frame.height) == (320, 240)
    image = cv2.imdecode(np.frombuffer(frame.png, np.uint8), cv2.IMREAD_GRAYSCALE)
    assert image[120, 160] < 40 and image[20, 20] > 160


def test_missing_camera_says_what_to_do(tmp_path):
    with pytest.raises(CaptureError, match="从文件导入"):
        capture(str(tmp_path / "no-such-device.mp4"))
