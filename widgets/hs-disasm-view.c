/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-disasm-view.c: AArch64 code around a pc, with its source.
 *
 * The bytes come through the engine like any memory read (so a guest's
 * code reads through both stages of its MMU), are decoded with capstone,
 * and are interleaved with the function each instruction starts and the
 * source line it came from, when the machine's symbols know them.
 */
#define G_LOG_DOMAIN "hs-disasm-view"

#include "config.h"

#include "hs-sync.h"

#include "hs-disasm-view.h"

#include "hs-listing.h"
#include "hs-text-jump.h"

#include <string.h>

#define BEFORE 16               /* instructions shown before the pc */
#define TOTAL  64

struct _HsDisasmView
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkLabel *title;
  GtkTextView *text;

  HsEngine *engine;
  GCancellable *reading;
  guint machine;
  guint64 space;
  guint64 pc;
  gboolean fresh;               /* the code shown or being read is this halt's, at pc */
  HsMemoryRead *code;           /* what was read last, to redraw when breakpoints change */
  GCancellable *rendering;      /* the thread annotating it */
};

G_DEFINE_FINAL_TYPE (HsDisasmView, hs_disasm_view, GTK_TYPE_WIDGET)

/* One line of the view and how it looks. */
typedef struct
{
  char *text;
  const char *tag;              /* "symbol", "source", "current" or NULL */
} Line;

static void
line_clear (gpointer data)
{
  g_free (((Line *) data)->text);
}

/* What a render needs, copied so a thread can work on it while the view goes on. */
typedef struct
{
  HsEngine *engine;
  GBytes *data;                 /* the code as read, and which bytes could be */
  GBytes *valid;
  guint64 base;
  char *fault;
  guint machine;
  guint64 space;
  guint64 pc;
  GArray *breakpoints;          /* of guint64: addresses in this machine */
} Render;

static void
render_free (Render *r)
{
  g_object_unref (r->engine);
  g_bytes_unref (r->data);
  g_bytes_unref (r->valid);
  g_free (r->fault);
  g_array_unref (r->breakpoints);
  g_free (r);
}

static void
add_line (GArray     *lines,
          char       *text,
          const char *tag)
{
  Line l = { text, tag };

  g_array_append_val (lines, l);
}

/* A thread: symbols and source lines wait for the DWARF (which another thread may be
 * indexing), and source files are read from disk: none of that on the GUI thread. */
static void
render_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Render *r = task_data;
  GArray *lines = NULL;
  g_autoptr(GArray) listing = NULL;
  GError *error = NULL;
  const guint8 *data, *valid;
  gsize len;

  data = g_bytes_get_data (r->data, &len);
  valid = g_bytes_get_data (r->valid, NULL);
  listing = hs_listing_build (r->engine, r->machine, r->space, r->base, data, valid, len, TRUE,
                              cancellable, &error);
  if (listing == NULL)
    {
      hs_task_return_error (task, error);
      return;
    }
  lines = g_array_new (FALSE, FALSE, sizeof (Line));
  g_array_set_clear_func (lines, line_clear);
  for (guint i = 0; i < listing->len; i++)
    {
      const HsListingLine *l = &g_array_index (listing, HsListingLine, i);
      g_autofree char *base = NULL;
      gboolean planted = FALSE;

      switch (l->kind)
        {
        case HS_LISTING_SYMBOL:
          add_line (lines, g_strdup_printf ("%s:\n", l->text), "symbol");
          break;
        case HS_LISTING_SOURCE:
          base = g_path_get_basename (l->file);
          add_line (lines, g_strdup_printf ("        %s:%u  %s\n", base, l->line, l->text),
                    "source");
          break;
        case HS_LISTING_INSTRUCTION:
        default:
          for (guint k = 0; k < r->breakpoints->len && !planted; k++)
            planted = g_array_index (r->breakpoints, guint64, k) == l->address;
          add_line (lines,
                    l->readable
                      ? g_strdup_printf ("%s %s %016" G_GINT64_MODIFIER "x  %08x  %-7s %s%s%s%s\n",
                                         planted ? "●" : " ", l->address == r->pc ? "→" : " ",
                                         l->address, l->insn.word, l->insn.mnemonic,
                                         l->insn.operands ? l->insn.operands : "",
                                         l->target ? "  <" : "", l->target ? l->target : "",
                                         l->target ? ">" : "")
                      : g_strdup_printf ("    %016" G_GINT64_MODIFIER "x  ?? %s\n", l->address,
                                         r->fault ? r->fault : "not readable"),
                    l->address == r->pc ? "current" : NULL);
          break;
        }
    }
  hs_task_return_pointer (task, lines, (GDestroyNotify) g_array_unref);
}

static void
rendered (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  HsDisasmView *self = HS_DISASM_VIEW (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) lines = hs_task_propagate_pointer (G_TASK (result), &error);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text);
  GtkTextMark *current = NULL;
  GtkTextIter end;

  if (lines == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_text_buffer_set_text (buffer, error->message, -1);
      return;
    }
  gtk_text_buffer_set_text (buffer, "", 0);
  for (guint i = 0; i < lines->len; i++)
    {
      const Line *l = &g_array_index (lines, Line, i);

      gtk_text_buffer_get_end_iter (buffer, &end);
      if (g_strcmp0 (l->tag, "current") == 0)
        current = gtk_text_buffer_create_mark (buffer, NULL, &end, TRUE);
      if (l->tag != NULL)
        gtk_text_buffer_insert_with_tags_by_name (buffer, &end, l->text, -1, l->tag, NULL);
      else
        gtk_text_buffer_insert (buffer, &end, l->text, -1);
    }
  if (current != NULL)
    {
      hs_text_view_jump_to_mark (self->text, current, 0.2, TRUE, 0.3);
      gtk_text_buffer_delete_mark (buffer, current);
    }
}

static void
render (HsDisasmView *self)
{
  g_autoptr(GTask) task = NULL;
  GListModel *bps = hs_engine_get_breakpoints (self->engine);
  Render *r;

  if (self->rendering)
    g_cancellable_cancel (self->rendering);
  g_clear_object (&self->rendering);
  if (self->code == NULL)
    {
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text), "", 0);
      return;
    }
  r = g_new0 (Render, 1);
  r->engine = g_object_ref (self->engine);
  r->data = g_bytes_ref (self->code->data);
  r->valid = g_bytes_ref (self->code->valid);
  r->base = self->code->address.offset;
  r->fault = g_strdup (self->code->fault);
  r->machine = self->machine;
  r->space = self->space;
  r->pc = self->pc;
  r->breakpoints = g_array_new (FALSE, FALSE, sizeof (guint64));
  for (guint i = 0; i < g_list_model_get_n_items (bps); i++)
    {
      g_autoptr(HsBreakpoint) bp = g_list_model_get_item (bps, i);
      const HsAddress *a = hs_breakpoint_get_address (bp);

      if (a->machine == self->machine)
        g_array_append_val (r->breakpoints, a->offset);
    }
  self->rendering = g_cancellable_new ();
  task = g_task_new (self, self->rendering, rendered, NULL);
  g_task_set_task_data (task, r, (GDestroyNotify) render_free);
  hs_task_run_in_thread (task, render_thread);
}

static void
code_read (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HsDisasmView) self = user_data;
  g_autoptr(GError) error = NULL;
  HsMemoryRead *read = hs_engine_read_finish (HS_ENGINE (object), result, &error);

  if (read == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_clear_pointer (&self->code, hs_memory_read_free);
          render (self);
          gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text), error->message, -1);
        }
      return;
    }
  g_clear_pointer (&self->code, hs_memory_read_free);
  self->code = read;
  render (self);
}

void
hs_disasm_view_show (HsDisasmView *self,
                     guint         machine,
                     guint64       space,
                     guint64       pc)
{
  HsAddress address = { HS_ACCESS_VIRTUAL, machine, space, (pc & ~(guint64) 3) - BEFORE * 4 };
  g_autofree char *sym = NULL;
  g_autofree char *title = NULL;

  g_return_if_fail (HS_IS_DISASM_VIEW (self));

  /* Asked at the halt and again once the stack is in: read once. */
  if (self->fresh && self->machine == machine && self->space == space && self->pc == pc)
    return;
  self->machine = machine;
  self->space = space;
  self->pc = pc;
  sym = hs_engine_symbolize (self->engine, machine, space, pc);
  title = g_strdup_printf ("Disassembly · %u:::0x%" G_GINT64_MODIFIER "x%s%s", machine, pc,
                           sym ? " · " : "", sym ? sym : "");
  gtk_label_set_text (self->title, title);
  g_cancellable_cancel (self->reading);
  g_clear_object (&self->reading);
  self->fresh = FALSE;
  if (hs_engine_get_state (self->engine) != HS_ENGINE_STATE_HALTED)
    return;
  self->fresh = TRUE;
  self->reading = g_cancellable_new ();
  hs_engine_read_async (self->engine, &address, TOTAL * 4, self->reading, code_read,
                        g_object_ref (self));
}

char *
hs_disasm_view_get_text (HsDisasmView *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (HS_IS_DISASM_VIEW (self), NULL);
  buffer = gtk_text_view_get_buffer (self->text);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

guint64
hs_disasm_view_get_pc (HsDisasmView *self)
{
  g_return_val_if_fail (HS_IS_DISASM_VIEW (self), 0);
  return self->pc;
}

/* Whatever the code is at the next halt, it is read again. */
static void
forget_halt (HsDisasmView *self)
{
  self->fresh = FALSE;
}

GtkWidget *
hs_disasm_view_new (HsEngine *engine)
{
  HsDisasmView *self;

  g_return_val_if_fail (HS_IS_ENGINE (engine), NULL);
  self = g_object_new (HS_TYPE_DISASM_VIEW, NULL);
  self->engine = g_object_ref (engine);
  g_signal_connect_object (hs_engine_get_breakpoints (engine), "items-changed",
                           G_CALLBACK (render), self, G_CONNECT_SWAPPED);
  /* Every halt reads the code anew, a step's too (it may stop where it was). The window asks for
   * it from its own "halted" handler, connected after this one. */
  g_signal_connect_object (engine, "halted", G_CALLBACK (forget_halt), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (engine, "resumed", G_CALLBACK (forget_halt), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (engine, "detached", G_CALLBACK (forget_halt), self, G_CONNECT_SWAPPED);
  return GTK_WIDGET (self);
}

static void
hs_disasm_view_dispose (GObject *object)
{
  HsDisasmView *self = HS_DISASM_VIEW (object);

  if (self->reading)
    g_cancellable_cancel (self->reading);
  g_clear_object (&self->reading);
  if (self->rendering)
    g_cancellable_cancel (self->rendering);
  g_clear_object (&self->rendering);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->engine);
  G_OBJECT_CLASS (hs_disasm_view_parent_class)->dispose (object);
}

static void
hs_disasm_view_finalize (GObject *object)
{
  HsDisasmView *self = HS_DISASM_VIEW (object);

  g_clear_pointer (&self->code, hs_memory_read_free);
  G_OBJECT_CLASS (hs_disasm_view_parent_class)->finalize (object);
}

static void
hs_disasm_view_class_init (HsDisasmViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_disasm_view_dispose;
  object_class->finalize = hs_disasm_view_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hs-disasm-view");
}

static void
hs_disasm_view_init (HsDisasmView *self)
{
  GtkWidget *scroller;
  GtkTextBuffer *buffer;

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  self->title = GTK_LABEL (gtk_label_new ("Disassembly"));
  gtk_label_set_xalign (self->title, 0);
  gtk_label_set_ellipsize (self->title, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->title), "hs-pane-title");
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->title));

  self->text = GTK_TEXT_VIEW (gtk_text_view_new ());
  gtk_text_view_set_editable (self->text, FALSE);
  gtk_text_view_set_monospace (self->text, TRUE);
  gtk_text_view_set_cursor_visible (self->text, FALSE);
  buffer = gtk_text_view_get_buffer (self->text);
  gtk_text_buffer_create_tag (buffer, "current", "weight", PANGO_WEIGHT_BOLD,
                              "paragraph-background", "rgba(255,200,0,0.35)", NULL);
  gtk_text_buffer_create_tag (buffer, "source", "style", PANGO_STYLE_ITALIC,
                              "foreground", "#3a7f3a", NULL);
  gtk_text_buffer_create_tag (buffer, "symbol", "weight", PANGO_WEIGHT_BOLD, NULL);
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->text));
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_box_append (GTK_BOX (self->box), scroller);
}
