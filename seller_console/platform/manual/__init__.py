"""No API (manual pins): a ``PlatformAdapter`` for any platform the console cannot reach.

The seller runs the rundown, the clock, the cues and the host view; the operator pins each
product in the platform's own app (YouTube, Amazon Live, Whatnot, ...) and confirms the
cue with Space. Nothing crosses the network: sessions are local, pins are refused as
UNSUPPORTED (the live session cues the operator instead), and no orders arrive during the
show (sales would come from the platform's orders export, imported after the show; that
import is not built yet).

``OperatorPins`` wraps any adapter so that its pins are performed by the operator.
"""

from seller_console.platform.manual.adapter import MANUAL_CAPABILITIES, ManualAdapter, OperatorPins

__all__ = ["MANUAL_CAPABILITIES", "ManualAdapter", "OperatorPins"]
