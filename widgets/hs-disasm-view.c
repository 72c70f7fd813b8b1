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

#include "hs-disasm-view.h"

#include "hs-disasm.h"

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
  HsMemoryRead *code;           /* what was read last, to redraw when breakpoints change */

  /* The last source file shown, split in lines, so a file is read once per view. */
  char *lines_path;
  char **lines;
  guint n_lines;
};

G_DEFINE_FINAL_TYPE (HsDisasmView, hs_disasm_view, GTK_TYPE_WIDGET)

static const char *
source_line (HsDisasmView *self,
             const char   *file,
             guint         line)
{
  HsSourcePathMap *map = hs_engine_get_source_path_map (self->engine);
  g_autofree char *path = NULL;

  if (g_strcmp0 (file, self->lines_path) != 0)
    {
      g_autofree char *contents = NULL;

      g_clear_pointer (&self->lines, g_strfreev);
      g_free (self->lines_path);
      self->lines_path = g_strdup (file);
      self->n_lines = 0;
      path = hs_source_path_map_resolve (map, NULL, file, NULL);
      if (path != NULL && g_file_get_contents (path, &contents, NULL, NULL))
        {
          if (!g_utf8_validate (contents, -1, NULL))
            {
              char *valid = g_utf8_make_valid (contents, -1);

              g_free (contents);
              contents = valid;
            }
          self->lines = g_strsplit (contents, "\n", -1);
          self->n_lines = g_strv_length (self->lines);
        }
    }
  if (line == 0 || line > self->n_lines)
    return NULL;
  return self->lines[line - 1];
}

static gboolean
has_breakpoint (HsDisasmView *self,
                guint64       address)
{
  GListModel *bps = hs_engine_get_breakpoints (self->engine);

  for (guint i = 0; i < g_list_model_get_n_items (bps); i++)
    {
      g_autoptr(HsBreakpoint) bp = g_list_model_get_item (bps, i);
      const HsAddress *a = hs_breakpoint_get_address (bp);

      if (a->offset == address && a->machine == self->machine)
        return TRUE;
    }
  return FALSE;
}

static void
render (HsDisasmView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text);
  g_autoptr(GArray) insns = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *last_file = NULL;
  guint last_line = 0;
  GtkTextIter end;
  GtkTextMark *current = NULL;
  const guint8 *data;
  const guint8 *valid;
  gsize len;

  gtk_text_buffer_set_text (buffer, "", 0);
  if (self->code == NULL)
    return;
  data = g_bytes_get_data (self->code->data, &len);
  valid = g_bytes_get_data (self->code->valid, NULL);
  insns = hs_disasm_arm64 (data, len, self->code->address.offset, &error);
  if (insns == NULL)
    {
      gtk_text_buffer_set_text (buffer, error->message, -1);
      return;
    }
  for (guint i = 0; i < insns->len; i++)
    {
      const HsInstruction *insn = &g_array_index (insns, HsInstruction, i);
      gsize at = insn->address - self->code->address.offset;
      g_autofree char *sym = hs_engine_symbolize (self->engine, self->machine, self->space,
                                                  insn->address);
      g_autofree char *file = NULL;
      g_autofree char *target = NULL;
      g_autofree char *line_text = NULL;
      guint line = 0;
      gboolean readable = at + 4 <= len && valid[at] && valid[at + 3];

      /* A function's first instruction gets its name as a label. */
      if (sym != NULL && strchr (sym, '+') == NULL)
        {
          g_autofree char *label = g_strdup_printf ("%s:\n", sym);

          gtk_text_buffer_get_end_iter (buffer, &end);
          gtk_text_buffer_insert_with_tags_by_name (buffer, &end, label, -1, "symbol", NULL);
        }
      if (hs_engine_lookup_line (self->engine, self->machine, self->space, insn->address, &file,
                                 &line)
          && (line != last_line || g_strcmp0 (file, last_file) != 0))
        {
          const char *text = source_line (self, file, line);
          g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));
          g_autofree char *base = g_path_get_basename (file);
          g_autofree char *src = g_strdup_printf ("        %s:%u  %s\n", base, line, stripped);

          gtk_text_buffer_get_end_iter (buffer, &end);
          gtk_text_buffer_insert_with_tags_by_name (buffer, &end, src, -1, "source", NULL);
          g_free (last_file);
          last_file = g_strdup (file);
          last_line = line;
        }
      if (insn->is_branch)
        target = hs_engine_symbolize (self->engine, self->machine, self->space, insn->target);
      line_text = readable
        ? g_strdup_printf ("%s %s %016" G_GINT64_MODIFIER "x  %08x  %-7s %s%s%s%s\n",
                           has_breakpoint (self, insn->address) ? "●" : " ",
                           insn->address == self->pc ? "→" : " ", insn->address, insn->word,
                           insn->mnemonic, insn->operands ? insn->operands : "",
                           target ? "  <" : "", target ? target : "", target ? ">" : "")
        : g_strdup_printf ("    %016" G_GINT64_MODIFIER "x  ?? %s\n", insn->address,
                           self->code->fault ? self->code->fault : "not readable");
      gtk_text_buffer_get_end_iter (buffer, &end);
      if (insn->address == self->pc)
        {
          current = gtk_text_buffer_create_mark (buffer, NULL, &end, TRUE);
          gtk_text_buffer_insert_with_tags_by_name (buffer, &end, line_text, -1, "current", NULL);
        }
      else
        gtk_text_buffer_insert (buffer, &end, line_text, -1);
    }
  for (guint i = 0; i < insns->len; i++)
    hs_instruction_clear (&g_array_index (insns, HsInstruction, i));
  if (current != NULL)
    {
      gtk_text_view_scroll_to_mark (self->text, current, 0.2, TRUE, 0, 0.3);
      gtk_text_buffer_delete_mark (buffer, current);
    }
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

  self->machine = machine;
  self->space = space;
  self->pc = pc;
  sym = hs_engine_symbolize (self->engine, machine, space, pc);
  title = g_strdup_printf ("Disassembly · %u:::0x%" G_GINT64_MODIFIER "x%s%s", machine, pc,
                           sym ? " · " : "", sym ? sym : "");
  gtk_label_set_text (self->title, title);
  g_cancellable_cancel (self->reading);
  g_clear_object (&self->reading);
  if (hs_engine_get_state (self->engine) != HS_ENGINE_STATE_HALTED)
    return;
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

GtkWidget *
hs_disasm_view_new (HsEngine *engine)
{
  HsDisasmView *self;

  g_return_val_if_fail (HS_IS_ENGINE (engine), NULL);
  self = g_object_new (HS_TYPE_DISASM_VIEW, NULL);
  self->engine = g_object_ref (engine);
  g_signal_connect_object (hs_engine_get_breakpoints (engine), "items-changed",
                           G_CALLBACK (render), self, G_CONNECT_SWAPPED);
  return GTK_WIDGET (self);
}

static void
hs_disasm_view_dispose (GObject *object)
{
  HsDisasmView *self = HS_DISASM_VIEW (object);

  if (self->reading)
    g_cancellable_cancel (self->reading);
  g_clear_object (&self->reading);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->engine);
  G_OBJECT_CLASS (hs_disasm_view_parent_class)->dispose (object);
}

static void
hs_disasm_view_finalize (GObject *object)
{
  HsDisasmView *self = HS_DISASM_VIEW (object);

  g_clear_pointer (&self->code, hs_memory_read_free);
  g_clear_pointer (&self->lines, g_strfreev);
  g_free (self->lines_path);
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
