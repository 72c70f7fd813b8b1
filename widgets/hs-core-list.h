/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "hs-engine.h"

G_BEGIN_DECLS

#define HS_TYPE_CORE_LIST (hs_core_list_get_type ())
G_DECLARE_FINAL_TYPE (HsCoreList, hs_core_list, HS, CORE_LIST, GtkWidget)

GtkWidget *hs_core_list_new (HsEngine *engine);

G_END_DECLS
