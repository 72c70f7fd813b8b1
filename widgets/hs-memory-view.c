/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-memory-view.c: memory as hex and ASCII, at any address form.
 *
 * The entry takes what the command language takes ("2:::linux_banner",
 * "1:::94.::0x400000", "A:0x40200000"); the bytes are drawn with
 * snapshot(), bytes that changed since the previous halt in the changed
 * colour, unreadable ones as ?? with the reason in the tooltip. A halt
 * rereads the same address.
 */
#define G_LOG_DOMAIN "hs-memory-view"

#include "config.h"

#include "hs-memory-view.h"

#include <string.h>

#define ROWS      16
#define PER_ROW   16
#define SPAN      (ROWS * PER_ROW)

struct _HsMemoryView
{
  GtkWidget parent_instance;

  /* Owned */
  GtkWidget *box;
  GtkEntry *entry;
  GtkWidget *area;
  GtkLabel *status;
  HsInterp *interp;
  GCancellable *reading;
  GBytes *data;
  GBytes *valid;
  GBytes *previous;             /* the bytes at the same address before the last halt */
  char *fault;

  HsAddress address;
  gboolean has_address;

  /* Editing: the byte under the cursor, and the high nibble typed so far (-1: none). */
  gint cursor;
  gint nibble;
  int char_width;
  int line_height;
};

G_DEFINE_FINAL_TYPE (HsMemoryView, hs_memory_view, GTK_TYPE_WIDGET)

/* ---- the drawn area --------------------------------------------------------------------- */

#define HS_TYPE_HEX_AREA (hs_hex_area_get_type ())
G_DECLARE_FINAL_TYPE (HsHexArea, hs_hex_area, HS, HEX_AREA, GtkWidget)

struct _HsHexArea
{
  GtkWidget parent_instance;

  HsMemoryView *view;           /* borrowed: the area lives inside it */
};

G_DEFINE_FINAL_TYPE (HsHexArea, hs_hex_area, GTK_TYPE_WIDGET)

/* One row's text and which byte columns changed. */
static char *
row_text (HsMemoryView *view,
          guint         row,
          guint32      *changed_mask)
{
  const guint8 *data = view->data ? g_bytes_get_data (view->data, NULL) : NULL;
  const guint8 *valid = view->valid ? g_bytes_get_data (view->valid, NULL) : NULL;
  const guint8 *prev = view->previous ? g_bytes_get_data (view->previous, NULL) : NULL;
  GString *s = g_string_new (NULL);
  HsAddress a = view->address;
  g_autofree char *where = NULL;

  a.offset += row * PER_ROW;
  /* As Data.dump prints it: the kernel's space 0 goes without saying. */
  where = a.access == HS_ACCESS_VIRTUAL && a.space == 0
          ? g_strdup_printf ("%u:::0x%016" G_GINT64_MODIFIER "x", a.machine, a.offset)
          : hs_address_format (&a);
  g_string_append_printf (s, "%s ", where);
  *changed_mask = 0;
  for (guint i = 0; i < PER_ROW; i++)
    {
      guint k = row * PER_ROW + i;

      if (data == NULL || !valid[k])
        g_string_append (s, " ??");
      else
        g_string_append_printf (s, " %02x", data[k]);
      if (data && prev && valid[k] && prev[k] != data[k])
        *changed_mask |= 1u << i;
    }
  g_string_append (s, "  ");
  for (guint i = 0; i < PER_ROW; i++)
    {
      guint k = row * PER_ROW + i;

      g_string_append_c (s, data == NULL || !valid[k] ? '?'
                            : g_ascii_isprint (data[k]) ? data[k] : '.');
    }
  return g_string_free (s, FALSE);
}

static void
hs_hex_area_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  HsHexArea *self = HS_HEX_AREA (widget);
  HsMemoryView *view = self->view;
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, NULL);
  PangoFontDescription *font = pango_font_description_from_string ("Monospace 10");
  GdkRGBA fg, changed = { 0.75, 0.11, 0.16, 1.0 };
  int line_height;

  if (view == NULL || !view->has_address)
    {
      pango_font_description_free (font);
      return;
    }
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_text (layout, "0", -1);
  pango_layout_get_pixel_size (layout, &view->char_width, &line_height);
  view->line_height = line_height;

  for (guint row = 0; row < ROWS; row++)
    {
      g_autofree char *text = NULL;
      guint32 mask;
      PangoAttrList *attrs = pango_attr_list_new ();
      gsize prefix;

      text = row_text (view, row, &mask);
      /* Each byte is " xx": find where the hex starts, after "address ". */
      prefix = strlen (text) - (PER_ROW * 3 + 2 + PER_ROW);
      for (guint i = 0; i < PER_ROW; i++)
        if (mask & (1u << i))
          {
            PangoAttribute *attr = pango_attr_foreground_new (changed.red * 65535,
                                                              changed.green * 65535,
                                                              changed.blue * 65535);

            attr->start_index = prefix + 3 * i + 1;
            attr->end_index = attr->start_index + 2;
            pango_attr_list_insert (attrs, attr);
          }
      if (view->cursor >= 0 && (guint) view->cursor / PER_ROW == row)
        {
          PangoAttribute *attr = pango_attr_background_new (0xffff, 0xd000, 0x4000);

          attr->start_index = prefix + 3 * (view->cursor % PER_ROW) + 1;
          attr->end_index = attr->start_index + 2;
          pango_attr_list_insert (attrs, attr);
        }
      pango_layout_set_text (layout, text, -1);
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (4, 2 + row * line_height));
      gtk_snapshot_append_layout (snapshot, layout, &fg);
      gtk_snapshot_restore (snapshot);
    }
}

static void
hs_hex_area_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, NULL);
  PangoFontDescription *font = pango_font_description_from_string ("Monospace 10");
  int w, h;

  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  /* "2:::0x0::0x0000000000000000 " + 16 * " xx" + "  " + 16 chars */
  pango_layout_set_text (layout, "2:::0x0000000000000000  00 00 00 00 00 00 00 00 00 00 "
                                 "00 00 00 00 00 00  0123456789abcdef", -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  *minimum = *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? w + 8 : ROWS * h + 4;
}

static void
hs_hex_area_class_init (HsHexAreaClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = hs_hex_area_snapshot;
  widget_class->measure = hs_hex_area_measure;
  gtk_widget_class_set_css_name (widget_class, "hs-hex-area");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
hs_hex_area_init (HsHexArea *self)
{
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

/* ---- reading ---------------------------------------------------------------------------- */

static void
read_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HsMemoryView) self = user_data;
  g_autoptr(GError) error = NULL;
  HsMemoryRead *read = hs_engine_read_finish (HS_ENGINE (object), result, &error);

  if (read == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_label_set_text (self->status, error->message);
      g_clear_pointer (&self->data, g_bytes_unref);
      g_clear_pointer (&self->valid, g_bytes_unref);
      gtk_widget_queue_draw (self->area);
      return;
    }
  /* What was there before this read, for the changed colour. */
  g_clear_pointer (&self->previous, g_bytes_unref);
  self->previous = g_steal_pointer (&self->data);
  g_clear_pointer (&self->valid, g_bytes_unref);
  self->data = g_bytes_ref (read->data);
  self->valid = g_bytes_ref (read->valid);
  g_free (self->fault);
  self->fault = g_strdup (read->fault);
  /* Only when it changes: setting a tooltip asks the X server where the pointer is. */
  if (g_strcmp0 (self->fault, gtk_widget_get_tooltip_text (self->area)) != 0)
    gtk_widget_set_tooltip_text (self->area, self->fault);
  gtk_label_set_text (self->status, self->fault ? self->fault : "");
  hs_memory_read_free (read);
  gtk_widget_queue_draw (self->area);
}

static void
reread (HsMemoryView *self)
{
  HsEngine *engine = hs_interp_get_engine (self->interp);

  if (!self->has_address || hs_engine_get_state (engine) != HS_ENGINE_STATE_HALTED)
    return;
  if (self->reading)
    g_cancellable_cancel (self->reading);
  g_clear_object (&self->reading);
  self->reading = g_cancellable_new ();
  hs_engine_read_async (engine, &self->address, SPAN, self->reading, read_done,
                        g_object_ref (self));
}

gboolean
hs_memory_view_show (HsMemoryView  *self,
                     const char    *text,
                     GError       **error)
{
  HsAddress address;

  g_return_val_if_fail (HS_IS_MEMORY_VIEW (self), FALSE);

  if (!hs_interp_resolve_address (self->interp, text, &address, error))
    return FALSE;
  if (hs_address_range_wraps (address.offset, SPAN))
    address.offset = G_MAXUINT64 - SPAN + 1;
  self->address = address;
  self->has_address = TRUE;
  /* A new address has no "before". */
  g_clear_pointer (&self->data, g_bytes_unref);
  g_clear_pointer (&self->previous, g_bytes_unref);
  gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
  reread (self);
  return TRUE;
}

static void
on_entry_activate (HsMemoryView *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry)));

  /* A bad address says why and keeps what was shown. */
  if (!hs_memory_view_show (self, g_strstrip (text), &error))
    gtk_label_set_text (self->status, error->message);
  else
    gtk_label_set_text (self->status, "");
}

static void
write_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HsMemoryView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!hs_engine_write_finish (HS_ENGINE (object), result, &error))
    gtk_label_set_text (self->status, error->message);
  else
    gtk_label_set_text (self->status, "");
  reread (self);
}

gboolean
hs_memory_view_write (HsMemoryView  *self,
                      guint          offset,
                      const guint8  *bytes,
                      gsize          n,
                      GError       **error)
{
  HsEngine *engine;
  HsAddress at;
  g_autoptr(GBytes) data = NULL;

  g_return_val_if_fail (HS_IS_MEMORY_VIEW (self), FALSE);

  engine = hs_interp_get_engine (self->interp);
  if (!self->has_address || offset + n > SPAN)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "nothing is shown at that offset");
      return FALSE;
    }
  if (hs_engine_get_state (engine) != HS_ENGINE_STATE_HALTED)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_RUNNING,
                   "memory is written while the target is halted");
      return FALSE;
    }
  at = self->address;
  at.offset += offset;
  data = g_bytes_new (bytes, n);
  hs_engine_write_async (engine, &at, data, NULL, write_done, g_object_ref (self));
  return TRUE;
}

/* A click on a hex byte puts the cursor there; two hex digits then write it. */
static void
on_area_pressed (GtkGestureClick *gesture,
                 int              n_press,
                 double           x,
                 double           y,
                 HsMemoryView    *self)
{
  g_autofree char *text = NULL;
  guint32 mask;
  int row, col, prefix;

  if (!self->has_address || self->char_width <= 0 || self->line_height <= 0)
    return;
  row = (int) ((y - 2) / self->line_height);
  col = (int) ((x - 4) / self->char_width);
  if (row < 0 || row >= ROWS)
    return;
  text = row_text (self, (guint) row, &mask);
  prefix = (int) (strlen (text) - (PER_ROW * 3 + 2 + PER_ROW));
  gtk_widget_grab_focus (self->area);
  if (col <= prefix || col >= prefix + PER_ROW * 3)
    return;
  self->cursor = row * PER_ROW + (col - prefix - 1 + 1) / 3;
  self->nibble = -1;
  gtk_widget_queue_draw (self->area);
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                HsMemoryView          *self)
{
  if (self->has_address && self->cursor >= 0 && g_ascii_isxdigit (gdk_keyval_to_unicode (keyval))
      && gdk_keyval_to_unicode (keyval) < 128)
    {
      gint digit = g_ascii_xdigit_value ((char) gdk_keyval_to_unicode (keyval));

      if (self->nibble < 0)
        {
          self->nibble = digit;
          return TRUE;
        }
      {
        guint8 byte = (guint8) (self->nibble << 4 | digit);
        g_autoptr(GError) error = NULL;

        self->nibble = -1;
        if (!hs_memory_view_write (self, (guint) self->cursor, &byte, 1, &error))
          gtk_label_set_text (self->status, error->message);
        else if (self->cursor + 1 < SPAN)
          self->cursor++;
        gtk_widget_queue_draw (self->area);
        return TRUE;
      }
    }
  if (keyval == GDK_KEY_Escape && self->cursor >= 0)
    {
      self->cursor = -1;
      self->nibble = -1;
      gtk_widget_queue_draw (self->area);
      return TRUE;
    }
  if (!self->has_address || (keyval != GDK_KEY_Page_Down && keyval != GDK_KEY_Page_Up))
    return FALSE;
  if (keyval == GDK_KEY_Page_Down && self->address.offset <= G_MAXUINT64 - 2 * SPAN)
    self->address.offset += SPAN;
  else if (keyval == GDK_KEY_Page_Up && self->address.offset >= SPAN)
    self->address.offset -= SPAN;
  g_clear_pointer (&self->data, g_bytes_unref);
  g_clear_pointer (&self->previous, g_bytes_unref);
  reread (self);
  return TRUE;
}

const char *
hs_memory_view_get_address_text (HsMemoryView *self)
{
  g_return_val_if_fail (HS_IS_MEMORY_VIEW (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->entry));
}

char *
hs_memory_view_get_text (HsMemoryView *self)
{
  GString *s;

  g_return_val_if_fail (HS_IS_MEMORY_VIEW (self), NULL);

  s = g_string_new (NULL);
  if (!self->has_address)
    return g_string_free (s, FALSE);
  for (guint row = 0; row < ROWS; row++)
    {
      guint32 mask;
      g_autofree char *text = row_text (self, row, &mask);

      g_string_append_printf (s, "%s\n", text);
    }
  return g_string_free (s, FALSE);
}

gboolean
hs_memory_view_is_loaded (HsMemoryView *self)
{
  g_return_val_if_fail (HS_IS_MEMORY_VIEW (self), FALSE);
  return self->data != NULL;
}

static void
hs_memory_view_dispose (GObject *object)
{
  HsMemoryView *self = HS_MEMORY_VIEW (object);

  if (self->reading)
    g_cancellable_cancel (self->reading);
  g_clear_object (&self->reading);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_pointer (&self->data, g_bytes_unref);
  g_clear_pointer (&self->valid, g_bytes_unref);
  g_clear_pointer (&self->previous, g_bytes_unref);
  g_clear_pointer (&self->fault, g_free);
  g_clear_object (&self->interp);
  G_OBJECT_CLASS (hs_memory_view_parent_class)->dispose (object);
}

static void
hs_memory_view_class_init (HsMemoryViewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hs_memory_view_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "hs-memory-view");
}

static void
hs_memory_view_init (HsMemoryView *self)
{
  GtkEventController *keys;
  GtkWidget *scroller;

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  self->entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->entry,
                                  "Address: 2:::linux_banner, 1:::94.::0x400000, A:0x40200000");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Memory address", -1);
  gtk_widget_add_css_class (GTK_WIDGET (self->entry), "hs-mono");
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->entry));
  self->area = g_object_new (HS_TYPE_HEX_AREA, NULL);
  HS_HEX_AREA (self->area)->view = self;
  gtk_widget_set_focusable (self->area, TRUE);
  scroller = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), self->area);
  gtk_box_append (GTK_BOX (self->box), scroller);
  self->status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->status, 0);
  gtk_label_set_wrap (self->status, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->status), "hs-error");
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->status));

  g_signal_connect_swapped (self->entry, "activate", G_CALLBACK (on_entry_activate), self);
  self->cursor = -1;
  self->nibble = -1;
  {
    GtkGesture *click = gtk_gesture_click_new ();

    g_signal_connect (click, "pressed", G_CALLBACK (on_area_pressed), self);
    gtk_widget_add_controller (self->area, GTK_EVENT_CONTROLLER (click));
  }
  gtk_widget_set_tooltip_text (self->area, NULL);
  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
}

GtkWidget *
hs_memory_view_new (HsInterp *interp)
{
  HsMemoryView *self;
  HsEngine *engine;

  g_return_val_if_fail (HS_IS_INTERP (interp), NULL);

  self = g_object_new (HS_TYPE_MEMORY_VIEW, NULL);
  self->interp = g_object_ref (interp);
  engine = hs_interp_get_engine (interp);
  g_signal_connect_object (engine, "halted", G_CALLBACK (reread), self, G_CONNECT_SWAPPED);
  return GTK_WIDGET (self);
}
