namespace Insights.Evaluation.Data;

/// <summary>Loads a dataset folder in whichever MovieLens layout it holds.</summary>
public static class DatasetLoader
{
    public static Dataset Load(string directory)
    {
        if (!Directory.Exists(directory)) throw new DatasetException($"{directory}: dataset folder not found");
        if (MovieLens100kLoader.Recognises(directory)) return MovieLens100kLoader.Load(directory);
        if (MovieLensCsvLoader.Recognises(directory)) return MovieLensCsvLoader.Load(directory);
        throw new DatasetException($"{directory}: neither u.data (ml-100k layout) nor ratings.csv (MovieLens CSV layout) found");
    }
}
