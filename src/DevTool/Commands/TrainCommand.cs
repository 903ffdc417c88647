using System.CommandLine;
using System.Globalization;
using Insights.Evaluation.Training;

namespace Insights.DevTool.Commands;

/// <summary>
/// `insights train`: learns the scorer's weights from a dataset's history, choosing hyperparameters on
/// the validation split (each member's second-to-last event; the last is never looked at), and writes
/// the versioned model file.
/// </summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var dataset = new Option<DirectoryInfo>("--dataset") { Description = "Dataset folder (ml-100k layout or MovieLens CSV layout).", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Model file to write (JSON).", Required = true };
        var command = new Command("train", "Train the propensity model on a MovieLens dataset.") { dataset, output };
        command.SetAction((parse, ct) =>
        {
            var data = EvaluateCommand.LoadDataset(parse.GetValue(dataset)!);
            var model = ModelTrainer.Train(data);
            var file = parse.GetValue(output)!;
            if (file.Directory is { Exists: false } folder) folder.Create();
            File.WriteAllText(file.FullName, model.ToJson());
            var figures = string.Join(", ", model.Training.Select(p => $"{p.Key} {p.Value.ToString(CultureInfo.InvariantCulture)}"));
            Console.WriteLine($"model {model.ModelVersion} written to {file.FullName} ({figures})");
            return Task.FromResult(0);
        });
        return command;
    }
}
