"""Nudity scores for OFFENSIVE-1 on photos: nudenet's bundled detector, on one thread.

nudenet (the optional ``nudity`` extra; its model file ``320n.onnx`` is AGPL-3.0 and
ships inside its package) is a YOLOv8n detector run at 320x320. Its own
``NudeDetector`` opens the model with onnxruntime's defaults, which spread one photo
over every core (a third more CPU per photo for the spinning threads, and a batch
worker or a service process meant to use one core uses all of them), and it decodes
the model's 2,100 candidate rows in a Python loop (3-4 ms a photo). :class:`NudityDetector`
loads the same file on one thread and does the same steps with NumPy: the letterbox
to a square, the scaling to 320 pixels, the 0.2 candidate score, OpenCV's class-blind
non-maximum suppression (score 0.25, overlap 0.45). Only the best score among the
policy's labels is kept, which is all the rule reads; ``tests/test_photos_nudity.py``
checks it against ``NudeDetector.detect`` on the same photos.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

#: nudenet's candidate score, NMS score and NMS overlap.
CANDIDATE, NMS_SCORE, NMS_OVERLAP = 0.2, 0.25, 0.45


class NudityDetector:
    """nudenet's ``320n.onnx`` on one onnxruntime thread.

    >>> NudityDetector().best(rgb, frozenset({"FEMALE_BREAST_EXPOSED"}))  # doctest: +SKIP
    (0.0, '')
    """

    def __init__(self, *, threads: int = 1) -> None:
        import onnxruntime
        from nudenet import nudenet as module

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            str(Path(module.__file__).with_name("320n.onnx")), options,
            providers=["CPUExecutionProvider"],
        )
        self.input_name = self.session.get_inputs()[0].name
        self.side = 320
        self.labels: tuple[str, ...] = tuple(getattr(module, "__labels"))

    def best(self, rgb: np.ndarray, labels: frozenset[str]) -> tuple[float, str]:
        """The highest score among ``labels`` of the boxes nudenet would report on this
        RGB photo, and that box's label ((0.0, "") when none)."""
        h, w = rgb.shape[:2]
        side = max(h, w)
        square = cv2.copyMakeBorder(rgb, 0, side - h, 0, side - w, cv2.BORDER_CONSTANT)
        # The channels reach the model in the order nudenet feeds them (blue first:
        # it swaps a BGR photo to RGB, then the blob swaps it back), so the scores
        # are those its thresholds were set against.
        blob = cv2.dnn.blobFromImage(square, 1 / 255.0, (self.side, self.side), (0, 0, 0),
                                     swapRB=True, crop=False)
        rows = np.squeeze(self.session.run(None, {self.input_name: blob})[0]).T
        scores = rows[:, 4:]
        top = scores.max(axis=1)
        keep = np.flatnonzero(top >= CANDIDATE)
        if not keep.size:
            return 0.0, ""
        classes = scores[keep].argmax(axis=1)
        boxes = _boxes(rows[keep, :4] * (side / self.side), w, h)
        kept = cv2.dnn.NMSBoxes(boxes.tolist(), top[keep].tolist(), NMS_SCORE, NMS_OVERLAP)
        found = [(float(top[keep[i]]), self.labels[classes[i]]) for i in np.ravel(kept)]
        return max((x for x in found if x[1] in labels), default=(0.0, ""))


def _boxes(centred: np.ndarray, width: int, height: int) -> np.ndarray:
    """(cx, cy, w, h) rows in the padded square's pixels -> (x, y, w, h) clipped to the
    photo, as nudenet clips them."""
    x = np.clip(centred[:, 0] - centred[:, 2] / 2, 0, width)
    y = np.clip(centred[:, 1] - centred[:, 3] / 2, 0, height)
    w = np.minimum(centred[:, 2], width - x)
    h = np.minimum(centred[:, 3], height - y)
    return np.stack([x, y, w, h], axis=1)
