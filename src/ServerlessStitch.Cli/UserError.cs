using ServerlessStitch.Media;
using ServerlessStitch.Models;
using ServerlessStitch.Pipeline.Alignment;
using ServerlessStitch.Pipeline.Editing;

namespace ServerlessStitch.Cli;

/// <summary>
/// Errors caused by the input or the request (a missing file, not a video, an unknown edit, no face in the video):
/// shown as one line naming what was wrong, not as a stack trace. Anything else is a bug and keeps its trace.
/// </summary>
internal static class UserError
{
    public static bool IsUserError(Exception e) => e is FileNotFoundException or MediaException or ModelException
        or EditSpecException or EditDirectionException or NoFaceFoundException or ArgumentException;
}
