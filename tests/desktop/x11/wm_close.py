#!/usr/bin/python3
"""Closes a window the way a window manager's close button does: finds the visible
top-level window of process PID titled TITLE and sends it the ICCCM
WM_DELETE_WINDOW client message (WM_PROTOCOLS). Needs python3-xlib and $DISPLAY.

    wm_close.py PID TITLE

Prints the window id it closed; exits 1 if there is no such window or it does not
take WM_DELETE_WINDOW.
"""

import sys

from Xlib import X, display, protocol


def windows_of(d, pid, title):
    net_wm_pid = d.intern_atom("_NET_WM_PID")
    found = []
    stack = [d.screen().root]
    while stack:
        win = stack.pop()
        try:
            stack.extend(win.query_tree().children)
            prop = win.get_full_property(net_wm_pid, X.AnyPropertyType)
            if not prop or pid not in prop.value:
                continue
            if win.get_attributes().map_state != X.IsViewable:
                continue
            if win.get_wm_name() != title:
                continue
            found.append(win)
        except Exception:  # the window went away while we looked
            continue
    return found


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    pid, title = int(sys.argv[1]), sys.argv[2]
    d = display.Display()
    wm_protocols = d.intern_atom("WM_PROTOCOLS")
    wm_delete = d.intern_atom("WM_DELETE_WINDOW")
    wins = windows_of(d, pid, title)
    if not wins:
        print(f"no visible window titled {title!r} for process {pid}", file=sys.stderr)
        sys.exit(1)
    for win in wins:
        if wm_delete not in (win.get_wm_protocols() or []):
            print(f"window {win.id:#x} does not take WM_DELETE_WINDOW", file=sys.stderr)
            sys.exit(1)
        event = protocol.event.ClientMessage(
            window=win,
            client_type=wm_protocols,
            data=(32, [wm_delete, X.CurrentTime, 0, 0, 0]),
        )
        win.send_event(event, event_mask=X.NoEventMask)
        print(f"{win.id:#x}")
    d.flush()
    d.close()


if __name__ == "__main__":
    main()
