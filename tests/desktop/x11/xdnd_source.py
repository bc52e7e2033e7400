#!/usr/bin/python3
"""A tiny drag source, as a file manager is one: a small window at X,Y whose button,
when dragged, offers FILE as text/uri-list over XDND. The end-to-end tests move the
pointer with xdotool to drag it onto the Daybook window. Needs python3-gi,
gir1.2-gtk-3.0 and $DISPLAY.

    xdnd_source.py FILE X Y

Prints "ready X Y" (the button's centre on screen) once it is shown, "sent" when
the drop target asked for the data, and "drag-end" or "drag-failed REASON" when the
drag is over. Quits by itself after 60 seconds.
"""

import os
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402


def say(*words):
    print(*words, flush=True)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    path, x, y = os.path.abspath(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    uri = GLib.filename_to_uri(path, None)

    win = Gtk.Window(title="Drag source")
    win.set_default_size(180, 70)
    win.move(x, y)
    button = Gtk.Button(label="Drag me")
    win.add(button)
    button.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
    button.drag_source_add_uri_targets()

    def on_get(_widget, _context, data, _info, _time):
        data.set_uris([uri])
        say("sent")

    def on_end(_widget, _context):
        say("drag-end")
        GLib.timeout_add(500, Gtk.main_quit)

    def on_failed(_widget, _context, result):
        say("drag-failed", result.value_nick)
        return False

    def on_mapped(*_args):
        # Wait a moment for the window to settle where it was put.
        def report():
            gdk_window = button.get_window()
            ox, oy = gdk_window.get_origin()[1:]
            alloc = button.get_allocation()
            say("ready", ox + alloc.x + alloc.width // 2, oy + alloc.y + alloc.height // 2)
            return False

        GLib.timeout_add(300, report)
        return False

    button.connect("drag-data-get", on_get)
    button.connect("drag-end", on_end)
    button.connect("drag-failed", on_failed)
    win.connect("map-event", on_mapped)
    win.connect("destroy", Gtk.main_quit)
    win.show_all()
    GLib.timeout_add_seconds(60, Gtk.main_quit)
    Gtk.main()


if __name__ == "__main__":
    main()
