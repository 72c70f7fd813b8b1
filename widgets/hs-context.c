/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-context.c: the views' current context. GUI thread only; the engine
 * owns the current core and task (so the command line sees the same), this
 * object forwards their notifications and owns the picked frame.
 */
#define G_LOG_DOMAIN "hs-context"

#include "config.h"

#include "hs-context.h"

struct _HsContext
{
  GObject parent_instance;

  HsEngine *engine;             /* owned */
  gboolean has_frame;
  HsFrame frame;                /* owned copy: function and file are ours */
  guint machine;
  guint64 space;
  char *file;
  guint line;
  GCancellable *looking_up;     /* the frame's line, while it is looked up */
};

G_DEFINE_FINAL_TYPE (HsContext, hs_context, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CORE,
  PROP_TASK,
  PROP_FRAME,
  PROP_LINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
on_engine_core (HsContext *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CORE]);
}

static void
on_engine_task (HsContext *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TASK]);
}

static void
set_line (HsContext  *self,
          char       *file,
          guint       line)
{
  g_free (self->file);
  self->file = file;
  self->line = file != NULL ? line : 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LINE]);
}

static void
line_found (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HsContext) self = user_data;
  g_autoptr(GError) error = NULL;
  char *file = NULL;
  guint line = 0;

  if (self->engine == NULL)
    return;  /* disposed meanwhile */
  if (!hs_engine_lookup_line_finish (self->engine, result, &file, &line, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Another frame was picked meanwhile: its own lookup answers. */
  if (g_cancellable_is_cancelled (self->looking_up))
    {
      g_free (file);
      return;
    }
  g_clear_object (&self->looking_up);
  set_line (self, file, line);
}

static void
hs_context_dispose (GObject *object)
{
  HsContext *self = HS_CONTEXT (object);

  if (self->looking_up != NULL)
    g_cancellable_cancel (self->looking_up);
  g_clear_object (&self->looking_up);
  g_clear_object (&self->engine);
  G_OBJECT_CLASS (hs_context_parent_class)->dispose (object);
}

static void
hs_context_finalize (GObject *object)
{
  HsContext *self = HS_CONTEXT (object);

  hs_frame_clear (&self->frame);
  g_free (self->file);
  G_OBJECT_CLASS (hs_context_parent_class)->finalize (object);
}

static void
hs_context_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  HsContext *self = HS_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_CORE:
      g_value_set_uint (value, hs_context_get_core (self));
      break;
    case PROP_TASK:
      g_value_set_object (value, hs_context_get_task (self));
      break;
    case PROP_FRAME:
      g_value_set_pointer (value, (gpointer) hs_context_get_frame (self));
      break;
    case PROP_LINE:
      g_value_set_uint (value, self->line);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_context_class_init (HsContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = hs_context_dispose;
  object_class->finalize = hs_context_finalize;
  object_class->get_property = hs_context_get_property;

  properties[PROP_CORE] = g_param_spec_uint ("core", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_TASK] = g_param_spec_object ("task", NULL, NULL, HS_TYPE_TASK, flags);
  properties[PROP_FRAME] = g_param_spec_pointer ("frame", NULL, NULL, flags);
  properties[PROP_LINE] = g_param_spec_uint ("line", NULL, NULL, 0, G_MAXUINT, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hs_context_init (HsContext *self)
{
}

HsContext *
hs_context_new (HsEngine *engine)
{
  HsContext *self;

  g_return_val_if_fail (HS_IS_ENGINE (engine), NULL);

  self = g_object_new (HS_TYPE_CONTEXT, NULL);
  self->engine = g_object_ref (engine);
  g_signal_connect_object (engine, "notify::current-core", G_CALLBACK (on_engine_core), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (engine, "notify::current-task", G_CALLBACK (on_engine_task), self,
                           G_CONNECT_SWAPPED);
  return self;
}

HsEngine *
hs_context_get_engine (HsContext *self)
{
  g_return_val_if_fail (HS_IS_CONTEXT (self), NULL);
  return self->engine;
}

guint
hs_context_get_core (HsContext *self)
{
  g_return_val_if_fail (HS_IS_CONTEXT (self), 0);
  return hs_engine_get_current_core (self->engine);
}

void
hs_context_set_core (HsContext *self,
                     guint      core)
{
  g_return_if_fail (HS_IS_CONTEXT (self));
  hs_engine_set_current_core (self->engine, core);
}

HsTask *
hs_context_get_task (HsContext *self)
{
  g_return_val_if_fail (HS_IS_CONTEXT (self), NULL);
  return hs_engine_get_current_task (self->engine);
}

void
hs_context_set_task (HsContext *self,
                     HsTask    *task)
{
  g_return_if_fail (HS_IS_CONTEXT (self));
  hs_engine_set_current_task (self->engine, task);
}

const HsFrame *
hs_context_get_frame (HsContext *self)
{
  g_return_val_if_fail (HS_IS_CONTEXT (self), NULL);
  return self->has_frame ? &self->frame : NULL;
}

/* The views move to @frame now; its source line follows when it is known. A caller's line is
 * the call's, not the return address's. */
void
hs_context_set_frame (HsContext     *self,
                      const HsFrame *frame,
                      guint          machine)
{
  HsTask *task;

  g_return_if_fail (HS_IS_CONTEXT (self));
  g_return_if_fail (frame != NULL);

  task = hs_engine_get_current_task (self->engine);
  hs_frame_clear (&self->frame);
  self->frame = *frame;
  self->frame.function = g_strdup (frame->function);
  self->frame.file = g_strdup (frame->file);
  self->has_frame = TRUE;
  self->machine = machine;
  /* User-space frames read through the process's own page tables. */
  self->space = task != NULL && frame->pc < G_GUINT64_CONSTANT (0xffff000000000000)
                ? hs_task_get_space (task) : 0;
  if (self->looking_up != NULL)
    g_cancellable_cancel (self->looking_up);
  g_clear_object (&self->looking_up);
  g_clear_pointer (&self->file, g_free);
  self->line = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAME]);

  if (frame->file != NULL)
    {
      set_line (self, g_strdup (frame->file), frame->line);
      return;
    }
  self->looking_up = g_cancellable_new ();
  hs_engine_lookup_line_async (self->engine, machine, self->space,
                               frame->level > 0 ? frame->pc - 4 : frame->pc, self->looking_up,
                               line_found, g_object_ref (self));
}

guint
hs_context_get_machine (HsContext *self)
{
  g_return_val_if_fail (HS_IS_CONTEXT (self), 0);
  return self->machine;
}

guint64
hs_context_get_space (HsContext *self)
{
  g_return_val_if_fail (HS_IS_CONTEXT (self), 0);
  return self->space;
}

const char *
hs_context_get_file (HsContext *self)
{
  g_return_val_if_fail (HS_IS_CONTEXT (self), NULL);
  return self->file;
}

guint
hs_context_get_line (HsContext *self)
{
  g_return_val_if_fail (HS_IS_CONTEXT (self), 0);
  return self->line;
}

gboolean
hs_context_is_line_pending (HsContext *self)
{
  g_return_val_if_fail (HS_IS_CONTEXT (self), FALSE);
  return self->looking_up != NULL;
}
