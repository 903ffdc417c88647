using Insights.Contracts;
using Insights.DevTool.Commands;
using Insights.Evaluation.Data;

namespace Insights.DevTool.Demo;

/// <summary>Loads a dataset folder and plans its demo rows; a missing or malformed file becomes one line naming it.</summary>
public static class DemoPlanLoader
{
    public static CinemaPlan Load(DirectoryInfo folder)
    {
        var data = EvaluateCommand.LoadDataset(folder);
        try
        {
            return CinemaPlanner.Build(data, DatasetDetails.Read(folder.FullName));
        }
        catch (DatasetException e)
        {
            throw new CommandLineError(e.Message);
        }
        catch (IOException e)
        {
            throw new CommandLineError($"{folder.FullName}: {e.Message}");
        }
    }
}
