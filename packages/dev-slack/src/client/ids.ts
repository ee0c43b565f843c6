// A block's id as Slack reports it: its own block_id, or the one Slack makes up for a block
// without one (here: from its position, so the page and the server agree). Pure.

export function blockIdOf(block: Record<string, unknown>, index: number): string {
  return typeof block.block_id === "string" && block.block_id !== "" ? block.block_id : `blk${index}`;
}
