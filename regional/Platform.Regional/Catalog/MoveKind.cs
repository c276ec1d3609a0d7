namespace Platform.Regional.Catalog;

/// <summary>
/// Who recorded a move in the catalog, so that no other kind of move can take its record over: a
/// planned one (a switchover or a mode change, run with the old home's cooperation, losing
/// nothing) or an unplanned promotion (the home is lost; revisions past the fork point go to the
/// divergent-writes archive).
/// </summary>
public enum MoveKind : byte
{
    Planned = 0,
    Promotion = 1,
}
