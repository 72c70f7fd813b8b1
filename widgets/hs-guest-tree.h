/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-guest-tree.h: the machines of the target as a tree: Xen (machine 0)
 * with its physical CPUs, and each guest with its vCPUs, its processes and
 * their threads, and its kernel threads.
 *
 * Signals (on double-click or Enter):
 *   "machine-activated" (guint machine)
 *   "task-activated"    (HsTask *task)    also from the context menu's "Make current"
 *   "vcpu-activated"    (HsVcpu *vcpu)
 * The context menu of a machine row opens its register window through the action
 * "win.open-registers" (uint32 machine id), which the window defines.
 */
#pragma once

#include <gtk/gtk.h>

#include "hs-engine.h"

G_BEGIN_DECLS

#define HS_TYPE_GUEST_TREE (hs_guest_tree_get_type ())
G_DECLARE_FINAL_TYPE (HsGuestTree, hs_guest_tree, HS, GUEST_TREE, GtkWidget)

GtkWidget *hs_guest_tree_new          (HsEngine    *engine);
/* Expands every machine and each guest's vCPU group (not the processes). */
void       hs_guest_tree_expand_all   (HsGuestTree *self);
/* For tests: the rows now visible, and one row's cells joined by spaces
 * ("2 linux2 present 1 vCPU, domain 2, VMID 2, VTTBR 0x..."); NULL past the end. */
guint      hs_guest_tree_get_n_rows   (HsGuestTree *self);
char      *hs_guest_tree_get_row_text (HsGuestTree *self,
                                       guint        row);

G_END_DECLS
