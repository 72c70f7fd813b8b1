/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void hs_text_view_jump_to_mark (GtkTextView *view,
                                GtkTextMark *mark,
                                double       within_margin,
                                gboolean     use_align,
                                double       yalign);

G_END_DECLS
