/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "hs-cli.h"
#include "hs-window.h"

G_BEGIN_DECLS

#define HS_TYPE_APPLICATION (hs_application_get_type ())
G_DECLARE_FINAL_TYPE (HsApplication, hs_application, HS, APPLICATION, GtkApplication)

HsApplication *hs_application_new        (const HsCliOptions *options);
HsWindow      *hs_application_get_window (HsApplication      *self);
int            hs_application_run        (const HsCliOptions *options);

G_END_DECLS
