/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "hs-interp.h"

G_BEGIN_DECLS

#define HS_TYPE_MEMORY_VIEW (hs_memory_view_get_type ())
G_DECLARE_FINAL_TYPE (HsMemoryView, hs_memory_view, HS, MEMORY_VIEW, GtkWidget)

GtkWidget *hs_memory_view_new       (HsInterp      *interp);
/* Shows @text (any address form); a bad one is an error and what was shown stays. */
gboolean   hs_memory_view_show      (HsMemoryView  *self,
                                     const char    *text,
                                     GError       **error);
/* The address as typed (or as last shown). */
const char *hs_memory_view_get_address_text (HsMemoryView *self);
/* The rows as drawn (for tests); "" before an address is given. */
char      *hs_memory_view_get_text  (HsMemoryView  *self);
gboolean   hs_memory_view_is_loaded (HsMemoryView  *self);
/* Writes @n bytes at @offset from the address shown (what typing hex over a clicked byte
 * does); the view reads them back. */
gboolean   hs_memory_view_write     (HsMemoryView  *self,
                                     guint          offset,
                                     const guint8  *bytes,
                                     gsize          n,
                                     GError       **error);

G_END_DECLS
