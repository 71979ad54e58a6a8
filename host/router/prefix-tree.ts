/**
 * A radix tree from path prefixes to matcher ranks. Looking a path up walks it once and yields the
 * rank list of every stored key that is a prefix of the path, each list in ascending rank order.
 */
interface TreeNode {
  edges: Map<number, Edge> | null
  ranks: number[]
}

interface Edge {
  label: string
  node: TreeNode
}

function newNode(): TreeNode {
  return { edges: null, ranks: [] }
}

export class PrefixTree {
  private readonly root = newNode()

  /** Ranks must be inserted in ascending order (the router inserts matchers sorted). */
  insert(key: string, rank: number): void {
    let node = this.root
    let i = 0
    while (i < key.length) {
      node.edges ??= new Map()
      const first = key.charCodeAt(i)
      const edge = node.edges.get(first)
      if (edge === undefined) {
        const leaf = newNode()
        node.edges.set(first, { label: key.slice(i), node: leaf })
        node = leaf
        break
      }
      let common = 0
      const { label } = edge
      while (common < label.length && i + common < key.length && label[common] === key[i + common]) common++
      if (common < label.length) {
        // Split the edge where the key leaves it.
        const mid = newNode()
        mid.edges = new Map([[label.charCodeAt(common), { label: label.slice(common), node: edge.node }]])
        edge.label = label.slice(0, common)
        edge.node = mid
      }
      node = edge.node
      i += common
    }
    if (node.ranks[node.ranks.length - 1] !== rank) node.ranks.push(rank)
  }

  /** Appends to `out` the rank lists of all keys that prefix `path`. */
  collect(path: string, out: number[][]): void {
    let node = this.root
    let i = 0
    // Every step consumes at least one character of the path.
    for (;;) {
      if (node.ranks.length > 0) out.push(node.ranks)
      if (node.edges === null || i >= path.length) return
      const edge = node.edges.get(path.charCodeAt(i))
      if (edge === undefined || !path.startsWith(edge.label, i)) return
      i += edge.label.length
      node = edge.node
    }
  }
}
