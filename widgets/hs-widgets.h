/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Registers the resources, types and style sheet; call once after gtk_init(). */
void hs_widgets_init (void);

/* Renders @widget as it is on screen into a PNG file (for tests and bug reports). Iterates the
 * default main context (at most about a second) while the widget has not drawn its next frame. */
gboolean hs_widget_save_png (GtkWidget   *widget,
                             const char  *path,
                             GError     **error);

G_END_DECLS
