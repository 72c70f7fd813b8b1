/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "hs-engine.h"

G_BEGIN_DECLS

#define HS_TYPE_DISASM_VIEW (hs_disasm_view_get_type ())
G_DECLARE_FINAL_TYPE (HsDisasmView, hs_disasm_view, HS, DISASM_VIEW, GtkWidget)

GtkWidget *hs_disasm_view_new      (HsEngine     *engine);
/* Disassembles around @pc in @machine's @space (read through its MMU), mixed with the source
 * lines and symbols its files know, the instruction at @pc marked. */
void       hs_disasm_view_show     (HsDisasmView *self,
                                    guint         machine,
                                    guint64       space,
                                    guint64       pc);
/* Everything shown, for tests; and the marked pc. */
char      *hs_disasm_view_get_text (HsDisasmView *self);
guint64    hs_disasm_view_get_pc   (HsDisasmView *self);

G_END_DECLS
