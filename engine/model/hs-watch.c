/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "hs-watch"

#include "config.h"

#include "hs-watch.h"

struct _HsWatch
{
  GObject parent_instance;

  /* Immutable after construction */
  char *expression;
  guint machine;

  /* Main thread only */
  char *value;
  char *error;
  gboolean changed;
  gboolean evaluated;        /* once: the first result is not a change */
};

/**
 * HsWatch:
 *
 * One watched expression (`Var.Watch`) and what it printed at the last halt.
 * Owned by the debugger's engine (main thread).
 */
G_DEFINE_FINAL_TYPE (HsWatch, hs_watch, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_EXPRESSION,
  PROP_MACHINE,
  PROP_VALUE,
  PROP_ERROR,
  PROP_CHANGED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hs_watch_finalize (GObject *object)
{
  HsWatch *self = HS_WATCH (object);

  g_free (self->expression);
  g_free (self->value);
  g_free (self->error);
  G_OBJECT_CLASS (hs_watch_parent_class)->finalize (object);
}

static void
hs_watch_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  HsWatch *self = HS_WATCH (object);

  switch (prop_id)
    {
    case PROP_EXPRESSION:
      g_value_set_string (value, self->expression);
      break;
    case PROP_MACHINE:
      g_value_set_uint (value, self->machine);
      break;
    case PROP_VALUE:
      g_value_set_string (value, self->value);
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    case PROP_CHANGED:
      g_value_set_boolean (value, self->changed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_watch_class_init (HsWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hs_watch_finalize;
  object_class->get_property = hs_watch_get_property;

  properties[PROP_EXPRESSION] =
    g_param_spec_string ("expression", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MACHINE] =
    g_param_spec_uint ("machine", NULL, NULL, 0, G_MAXUINT, HS_WATCH_CURRENT_MACHINE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_VALUE] =
    g_param_spec_string ("value", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CHANGED] =
    g_param_spec_boolean ("changed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hs_watch_init (HsWatch *self)
{
  self->value = g_strdup ("");
}

HsWatch *
hs_watch_new (const char *expression,
              guint       machine)
{
  HsWatch *self;

  g_return_val_if_fail (expression != NULL, NULL);
  self = g_object_new (HS_TYPE_WATCH, NULL);
  self->expression = g_strdup (expression);
  self->machine = machine;
  return self;
}

/**
 * hs_watch_get_expression:
 * @self: a watch
 *
 * Returns: the expression
 */
const char *
hs_watch_get_expression (HsWatch *self)
{
  g_return_val_if_fail (HS_IS_WATCH (self), NULL);
  return self->expression;
}

/**
 * hs_watch_get_machine:
 * @self: a watch
 *
 * Returns: the machine it is pinned to, or G_MAXUINT for the current context's
 */
guint
hs_watch_get_machine (HsWatch *self)
{
  g_return_val_if_fail (HS_IS_WATCH (self), 0);
  return self->machine;
}

/**
 * hs_watch_get_value:
 * @self: a watch
 *
 * Returns: its value at the last halt ("" before the first, or when it failed)
 */
const char *
hs_watch_get_value (HsWatch *self)
{
  g_return_val_if_fail (HS_IS_WATCH (self), NULL);
  return self->value;
}

/**
 * hs_watch_get_error:
 * @self: a watch
 *
 * Returns: (nullable): why the last evaluation failed, or %NULL
 */
const char *
hs_watch_get_error (HsWatch *self)
{
  g_return_val_if_fail (HS_IS_WATCH (self), NULL);
  return self->error;
}

/**
 * hs_watch_get_changed:
 * @self: a watch
 *
 * Returns: whether the last halt's text differs from the one before
 */
gboolean
hs_watch_get_changed (HsWatch *self)
{
  g_return_val_if_fail (HS_IS_WATCH (self), FALSE);
  return self->changed;
}

void
hs_watch_set_result (HsWatch    *self,
                     const char *value,
                     const char *error)
{
  gboolean changed;

  g_return_if_fail (HS_IS_WATCH (self));
  if (value == NULL)
    value = "";
  /* An error that went away, or came, is a change as much as a new value is. */
  changed = self->evaluated
            && (g_strcmp0 (self->value, value) != 0 || g_strcmp0 (self->error, error) != 0);
  self->evaluated = TRUE;
  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (self->value, value) != 0)
    {
      g_free (self->value);
      self->value = g_strdup (value);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALUE]);
    }
  if (g_strcmp0 (self->error, error) != 0)
    {
      g_free (self->error);
      self->error = g_strdup (error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
    }
  if (self->changed != changed)
    {
      self->changed = changed;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHANGED]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}
