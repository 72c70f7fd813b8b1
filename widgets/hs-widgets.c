/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "hs-widgets"

#include "config.h"

#include "hs-widgets.h"
#include "hs-command-line.h"
#include "hs-core-list.h"
#include "hs-register-view.h"
#include "hs-memory-view.h"
#include "hs-resources.h"
#include "hs-table.h"

void
hs_widgets_init (void)
{
  static gsize once;

  if (g_once_init_enter (&once))
    {
      g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

      /* Registered by hand: a constructor in a static library may be dropped by the linker. */
      hs_register_resource ();
      g_type_ensure (HS_TYPE_COMMAND_LINE);
      g_type_ensure (HS_TYPE_CORE_LIST);
      g_type_ensure (HS_TYPE_REGISTER_VIEW);
      g_type_ensure (HS_TYPE_TABLE);
      g_type_ensure (HS_TYPE_MEMORY_VIEW);
      gtk_css_provider_load_from_resource (css, "/org/hyperscope/Hyperscope/style.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                  GTK_STYLE_PROVIDER (css),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      g_once_init_leave (&once, 1);
    }
}

gboolean
hs_widget_save_png (GtkWidget   *widget,
                    const char  *path,
                    GError     **error)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GtkNative *native = gtk_widget_get_native (widget);

  if (native == NULL || width <= 0 || height <= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the widget is not on screen");
      return FALSE;
    }
  paintable = gtk_widget_paintable_new (widget);
  /* A widget between a relayout and its next frame draws nothing yet: give it a few frames. */
  for (guint attempt = 0; attempt < 100 && node == NULL; attempt++)
    {
      if (attempt > 0)
        {
          while (g_main_context_iteration (NULL, FALSE))
            ;
          g_usleep (10 * 1000);
        }
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  if (node == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the widget drew nothing");
      return FALSE;
    }
  renderer = gtk_native_get_renderer (native);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot write %s", path);
      return FALSE;
    }
  return TRUE;
}
